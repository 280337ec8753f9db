// One TCP connection between the guest and a host socket: the guest speaks TCP to the network,
// this object speaks it back and moves the bytes to and from a net.Socket (RFC 793 states,
// reduced to what a lossless link needs, plus go-back-N retransmission for a guest that drops).
// Back-pressure both ways: the window offered to the guest shrinks with what the host socket has
// not written yet; the host socket is paused while the guest has not taken what was read from it.
import type { Socket } from 'node:net';
import { randomInt } from 'node:crypto';
import { ACK, FIN, PSH, RST, SYN, seqAdd, seqDiff, type TcpOut, type TcpSegment } from './tcp-segment.js';

/** Bytes the guest may send ahead of the host socket taking them (the offered window). */
export const RECEIVE_BUFFER = 256 * 1024;
/** Bytes read from the host socket and not yet acknowledged by the guest before it is paused. */
export const SEND_BUFFER = 256 * 1024;
const OUR_WSCALE = 3; // 256 KiB fits in 16 bits << 3
const OUR_MSS = 1460; // Ethernet MTU 1500 - IPv4 - TCP headers
const RTO_MS = 1000;
const MAX_RETRIES = 20;

export type State = 'connecting' | 'syn-sent' | 'syn-received' | 'established' | 'closed';

/** What a connection needs from the stack: sending segments and knowing whether the link has room. */
export interface TcpLink {
  sendSegment(c: TcpConnection, t: TcpOut): void;
  linkHasRoom(): boolean;
  forget(c: TcpConnection): void;
}

export class TcpConnection {
  state: State;
  private socket: Socket | undefined;
  private sndUna = 0; // oldest byte the guest has not acknowledged
  private sndNxt = 0;
  private rcvNxt = 0;
  private guestWindow = 0;
  private guestWscale = 0;
  private ourWscale = 0;
  private guestMss = 536;
  /** Bytes from the host socket from sndUna on (acknowledged ones are dropped from the front). */
  private unacked: Buffer[] = [];
  private unackedBytes = 0;
  private hostEnded = false;
  private finSent = false;
  private finAcked = false;
  private guestFin = false;
  private timer: NodeJS.Timeout | undefined;
  private retries = 0;
  private paused = false;

  constructor(
    private readonly link: TcpLink,
    /** The guest's port and the port of the other end as the guest sees it. */
    readonly guestPort: number,
    readonly remotePort: number,
    readonly key: string,
  ) {
    this.state = 'connecting';
  }

  /** Guest -> host: the guest's SYN arrived; `connect` opens the host socket (not yet connected). */
  acceptSyn(syn: TcpSegment, socket: Socket): void {
    this.rcvNxt = seqAdd(syn.seq, 1);
    this.takeOptions(syn);
    this.guestWindow = syn.window; // never scaled in a SYN
    this.attach(socket);
    socket.once('connect', () => {
      if (this.state !== 'connecting') return;
      this.state = 'syn-received';
      this.sndUna = randomInt(0, 0xffffffff);
      this.sndNxt = seqAdd(this.sndUna, 1);
      this.sendSynAck();
      this.arm();
    });
  }

  /** Host -> guest (a published port): `socket` was accepted on the host; ask the guest. */
  openToGuest(socket: Socket): void {
    this.state = 'syn-sent';
    this.sndUna = randomInt(0, 0xffffffff);
    this.sndNxt = seqAdd(this.sndUna, 1);
    this.attach(socket);
    this.sendSyn();
    this.arm();
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.pause();
    this.paused = true;
    socket.on('data', (d: Buffer) => this.fromHost(d));
    socket.on('end', () => { this.hostEnded = true; this.pump(); });
    socket.on('drain', () => this.sendAck());
    // refused, reset, unreachable: the guest sees a reset in each case, as slirp gives
    socket.on('error', () => this.reset());
    socket.on('close', () => { if (this.state === 'connecting' || this.state === 'syn-sent') this.reset(); });
  }

  private takeOptions(s: TcpSegment): void {
    if (s.mss !== undefined) this.guestMss = Math.max(64, Math.min(s.mss, OUR_MSS));
    else this.guestMss = 536;
    if (s.wscale !== undefined) { this.guestWscale = s.wscale; this.ourWscale = OUR_WSCALE; }
  }

  private sendSyn(): void {
    this.link.sendSegment(this, { seq: this.sndUna, ack: 0, flags: SYN, window: Math.min(0xffff, RECEIVE_BUFFER), mss: OUR_MSS, wscale: OUR_WSCALE, srcPort: this.remotePort, dstPort: this.guestPort });
  }

  private sendSynAck(): void {
    this.link.sendSegment(this, { seq: this.sndUna, ack: this.rcvNxt, flags: SYN | ACK, window: Math.min(0xffff, RECEIVE_BUFFER), mss: OUR_MSS, wscale: this.ourWscale ? OUR_WSCALE : undefined, srcPort: this.remotePort, dstPort: this.guestPort });
  }

  /** The window offered to the guest: room left before the host socket's write buffer is full. */
  private window(): number {
    const queued = this.socket?.writableLength ?? 0;
    return Math.max(0, RECEIVE_BUFFER - queued) >> this.ourWscale;
  }

  private out(flags: number, seq: number, payload?: Buffer): void {
    this.link.sendSegment(this, { srcPort: this.remotePort, dstPort: this.guestPort, seq, ack: this.rcvNxt, flags, window: this.window(), payload });
  }

  sendAck(): void {
    if (this.state === 'established') this.out(ACK, this.sndNxt);
  }

  /** A segment from the guest for this connection. */
  input(s: TcpSegment): void {
    if (s.flags & RST) {
      // the guest refused or aborted: the host peer sees a reset too
      this.socket?.resetAndDestroy();
      this.close();
      return;
    }
    if (this.state === 'syn-sent') {
      if ((s.flags & (SYN | ACK)) !== (SYN | ACK) || s.ack !== this.sndNxt) return;
      this.rcvNxt = seqAdd(s.seq, 1);
      this.takeOptions(s);
      if (s.wscale === undefined) this.ourWscale = 0;
      this.sndUna = this.sndNxt;
      this.guestWindow = s.window;
      this.established();
      this.out(ACK, this.sndNxt);
      return;
    }
    if (this.state === 'connecting') return; // a repeated SYN while the host connects
    if (s.flags & SYN) {
      if (this.state === 'syn-received') this.sendSynAck(); // our SYN-ACK was lost
      return;
    }
    if (!(s.flags & ACK)) return;
    if (this.state === 'syn-received') {
      if (s.ack !== this.sndNxt) return;
      this.sndUna = this.sndNxt;
      this.established();
    }
    this.acknowledge(s);
    let needAck = false;
    let data = s.payload;
    let seq = s.seq;
    const behind = seqDiff(this.rcvNxt, seq);
    if (behind > 0 && data.length > 0) { // a retransmission overlapping what we have
      data = data.subarray(Math.min(behind, data.length));
      seq = seqAdd(seq, Math.min(behind, s.payload.length));
      needAck = true;
    }
    if (data.length > 0) {
      if (seq !== this.rcvNxt) needAck = true; // out of order: dropped, the duplicate ACK asks again
      else if (!this.guestFin) {
        this.rcvNxt = seqAdd(this.rcvNxt, data.length);
        this.socket?.write(data);
        needAck = true;
      }
    }
    if (s.flags & FIN && seqAdd(s.seq, s.payload.length) === this.rcvNxt && !this.guestFin) {
      this.rcvNxt = seqAdd(this.rcvNxt, 1);
      this.guestFin = true;
      this.socket?.end();
      needAck = true;
    }
    this.pump();
    if (needAck) this.out(ACK, this.sndNxt);
    this.maybeDone();
  }

  private established(): void {
    this.state = 'established';
    this.retries = 0;
    this.disarm();
    if (this.paused) { this.paused = false; this.socket?.resume(); }
  }

  private acknowledge(s: TcpSegment): void {
    const acked = seqDiff(s.ack, this.sndUna);
    const sent = seqDiff(this.sndNxt, this.sndUna);
    if (acked < 0 || acked > sent) return; // old, or for data never sent
    this.guestWindow = s.window << this.guestWscale;
    if (acked === 0) return;
    let dataAcked = acked;
    if (this.finSent && s.ack === this.sndNxt) { this.finAcked = true; dataAcked--; }
    this.dropAcked(dataAcked);
    this.sndUna = s.ack;
    this.retries = 0;
    this.disarm();
    if (seqDiff(this.sndNxt, this.sndUna) > 0) this.arm();
    if (this.paused && this.unackedBytes < SEND_BUFFER / 2 && this.state === 'established') {
      this.paused = false;
      this.socket?.resume();
    }
  }

  private dropAcked(n: number): void {
    this.unackedBytes -= n;
    while (n > 0 && this.unacked.length > 0) {
      const head = this.unacked[0]!;
      if (head.length <= n) { n -= head.length; this.unacked.shift(); }
      else { this.unacked[0] = head.subarray(n); n = 0; }
    }
  }

  private fromHost(d: Buffer): void {
    this.unacked.push(d);
    this.unackedBytes += d.length;
    if (this.unackedBytes >= SEND_BUFFER && !this.paused) { this.paused = true; this.socket?.pause(); }
    this.pump();
  }

  /** Bytes [from, from + len) of the unacknowledged data, from = offset after sndUna. */
  private slice(from: number, len: number): Buffer {
    const parts: Buffer[] = [];
    for (const b of this.unacked) {
      if (len <= 0) break;
      if (from >= b.length) { from -= b.length; continue; }
      const take = b.subarray(from, from + len);
      parts.push(take);
      len -= take.length;
      from = 0;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Sends what the guest's window and the link allow, then the FIN once the host ended. */
  pump(): void {
    if (this.state !== 'established') return;
    for (;;) {
      const inFlight = seqDiff(this.sndNxt, this.sndUna) - (this.finSent ? 1 : 0);
      const unsent = this.unackedBytes - inFlight;
      if (unsent <= 0 || this.finSent) break;
      const usable = this.guestWindow - inFlight;
      if (usable <= 0 || !this.link.linkHasRoom()) break;
      const len = Math.min(usable, unsent, this.guestMss);
      this.out(ACK | PSH, this.sndNxt, this.slice(inFlight, len));
      this.sndNxt = seqAdd(this.sndNxt, len);
      this.arm();
    }
    const inFlight = seqDiff(this.sndNxt, this.sndUna);
    if (this.hostEnded && !this.finSent && inFlight === this.unackedBytes && this.link.linkHasRoom()) {
      this.out(FIN | ACK, this.sndNxt);
      this.sndNxt = seqAdd(this.sndNxt, 1);
      this.finSent = true;
      this.arm();
    }
    if (this.unackedBytes > 0 && this.guestWindow === 0) this.arm(); // a probe opens a closed window
    this.maybeDone();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.timeout(), RTO_MS);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private timeout(): void {
    this.timer = undefined;
    if (this.state === 'closed') return;
    if (++this.retries > MAX_RETRIES) { this.abort(); return; }
    if (this.state === 'syn-sent') { this.sendSyn(); this.arm(); return; }
    if (this.state === 'syn-received') { this.sendSynAck(); this.arm(); return; }
    if (this.state !== 'established') return;
    // go back N: everything after sndUna is sent again
    if (this.finSent && !this.finAcked) this.finSent = false;
    this.sndNxt = this.sndUna;
    if (this.guestWindow === 0 && this.unackedBytes > 0) {
      this.out(ACK, this.sndNxt, this.slice(0, 1)); // window probe: its ACK says when the window opens
      this.arm();
      return;
    }
    this.pump();
  }

  /** Sends a reset to the guest and drops the connection. */
  reset(): void {
    if (this.state === 'closed') return;
    if (this.state === 'connecting') this.link.sendSegment(this, { srcPort: this.remotePort, dstPort: this.guestPort, seq: 0, ack: this.rcvNxt, flags: RST | ACK, window: 0 });
    else if (this.state !== 'syn-sent') this.out(RST | ACK, this.sndNxt);
    this.close();
  }

  /** Gives up: both ends see a reset. */
  abort(): void {
    this.socket?.resetAndDestroy();
    this.reset();
  }

  private maybeDone(): void {
    // both FINs are through; the host socket closes itself once its end() has flushed
    if (this.guestFin && this.finAcked) this.close();
  }

  private close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.disarm();
    this.socket?.removeAllListeners('close');
    this.socket?.on('error', () => undefined);
    if (this.socket && !this.socket.destroyed && !this.guestFin) this.socket.destroy();
    this.link.forget(this);
  }
}
