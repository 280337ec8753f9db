// A guest TCP endpoint for the tests, driven step by step: it keeps seq/ack and the window it
// offers, so a test can play a slow reader, a resetting peer or a refused port.
import { F, GUEST_IP, tcp, type Received, type TestGuest } from './guest.js';

export class GuestTcp {
  seq = 1000;
  ack = 0;
  window = 65535;
  readonly got: Buffer[] = [];
  finReceived = false;

  constructor(private readonly g: TestGuest, readonly remote: number, readonly remotePort: number, readonly port: number) {}

  private mine = (r: Received): boolean =>
    r.tcp !== undefined && r.dst === GUEST_IP && r.src === this.remote && r.tcp.srcPort === this.remotePort && r.tcp.dstPort === this.port;

  seg(flags: number, data?: Buffer, opts?: Buffer): void {
    this.g.send(tcp(this.remote, { srcPort: this.port, dstPort: this.remotePort, seq: this.seq, ack: this.ack, flags, window: this.window, ...(data ? { data } : {}), ...(opts ? { opts } : {}) }));
    this.seq = (this.seq + (data?.length ?? 0) + (flags & (F.SYN | F.FIN) ? 1 : 0)) >>> 0;
  }

  next(pred: (r: Received) => boolean = () => true, ms?: number): Promise<Received> {
    return this.g.next((r) => this.mine(r) && pred(r), ms);
  }

  /** Active open; resolves to the SYN-ACK (or the RST of a refused port). */
  async connect(opts?: Buffer): Promise<Received> {
    this.seg(F.SYN, undefined, opts);
    const r = await this.next();
    if (r.tcp!.flags & F.SYN) {
      this.ack = (r.tcp!.seq + 1) >>> 0;
      this.seg(F.ACK);
    }
    return r;
  }

  /** Passive open: the stack's SYN for a published port; answers with SYN-ACK. */
  async accept(): Promise<Received> {
    const syn = await this.g.next((r) => r.tcp !== undefined && r.tcp.dstPort === this.port && (r.tcp.flags & F.SYN) !== 0);
    this.ack = (syn.tcp!.seq + 1) >>> 0;
    return syn;
  }

  /** Takes data segments until `n` bytes (or a FIN) arrived, acknowledging each. */
  async read(n: number, ms?: number): Promise<Buffer> {
    let have = this.got.reduce((a, b) => a + b.length, 0);
    while (have < n && !this.finReceived) {
      const r = await this.next((x) => x.tcp!.data.length > 0 || (x.tcp!.flags & F.FIN) !== 0, ms);
      const t = r.tcp!;
      if (t.seq !== this.ack) continue; // a retransmission of what we have
      this.got.push(Buffer.from(t.data));
      have += t.data.length;
      this.ack = (this.ack + t.data.length + (t.flags & F.FIN ? 1 : 0)) >>> 0;
      if (t.flags & F.FIN) this.finReceived = true;
      this.seg(F.ACK);
    }
    const all = Buffer.concat(this.got.splice(0));
    return all;
  }
}
