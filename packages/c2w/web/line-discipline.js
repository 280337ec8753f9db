// What a host terminal in cooked mode does for `c2w run` (ADR 0007: the guest console is raw,
// without echo): echo, a line buffer with backspace, the line sent on Enter. Ctrl-C and Ctrl-D
// go straight through (0x03 and 0x04), as the keys of a raw terminal would.

export class LineDiscipline {
  /**
   * @param {(bytes: Uint8Array) => void} send to the guest
   * @param {(text: string) => void} echo to the screen
   */
  constructor(send, echo) {
    this.send = send;
    this.echo = echo;
    this.line = [];
    this.encoder = new TextEncoder();
  }

  /** Keys as xterm's onData gives them (one key, an escape sequence, or pasted text). */
  feed(data) {
    // arrows and function keys (ESC [ ... final, ESC O x) are dropped: no editing beyond backspace
    const keys = data.replace(/\x1b(\[[0-9;?]*[@-~]|O.|.)?/gs, '');
    for (const ch of keys) {
      if (ch === '\r' || ch === '\n') {
        this.echo('\r\n');
        this.flush('\n');
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line.length) {
          this.line.pop();
          this.echo('\b \b');
        }
      } else if (ch === '\x03') {
        this.echo('^C\r\n');
        this.line = [];
        this.send(this.encoder.encode('\x03'));
      } else if (ch === '\x04') {
        this.flush('\x04');
      } else if (ch === '\x15') { // Ctrl-U: erase the line
        this.echo('\b \b'.repeat(this.line.length));
        this.line = [];
      } else if (ch >= ' ' || ch === '\t') {
        this.line.push(ch);
        this.echo(ch);
      }
    }
  }

  flush(end) {
    this.send(this.encoder.encode(this.line.join('') + end));
    this.line = [];
  }
}
