/**
 * The living book's calendar of re-levering checks: for each step, the accounts due then, in the order
 * they were booked (the simulator's random draws follow that order, so it is part of the result).
 * Each account is booked at most once at a time, which lets the lists live in typed arrays (one link
 * per account) instead of an array per step.
 */
export class CheckCalendar {
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private next: Int32Array;

  constructor(steps: number, accounts = 1024) {
    this.head = new Int32Array(steps).fill(-1);
    this.tail = new Int32Array(steps).fill(-1);
    this.next = new Int32Array(Math.max(1, accounts)).fill(-1);
  }

  /** Books `id` at `step`, after every account already booked there. */
  book(id: number, step: number): void {
    if (!(step >= 0 && step < this.head.length)) throw new RangeError(`check step ${step} is outside 0..${this.head.length - 1}`);
    if (id >= this.next.length) this.grow(id + 1);
    this.next[id] = -1;
    const last = this.tail[step]!;
    if (last < 0) this.head[step] = id;
    else this.next[last] = id;
    this.tail[step] = id;
  }

  /**
   * Takes the accounts due at `step` off the calendar and visits them in booking order. `visit` may
   * book the account it is given again (at a later step).
   */
  drain(step: number, visit: (id: number) => void): void {
    let id = this.head[step]!;
    this.head[step] = -1;
    this.tail[step] = -1;
    while (id >= 0) {
      const following = this.next[id]!;
      visit(id);
      id = following;
    }
  }

  private grow(min: number): void {
    const next = new Int32Array(Math.max(min, this.next.length * 2)).fill(-1);
    next.set(this.next);
    this.next = next;
  }
}
