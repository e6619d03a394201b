/**
 * A bounded ring of the latest samples: pushing past the capacity drops the oldest, so a graph left open for a day
 * holds as many samples as it did after its first minutes.
 */
export class Ring<T> {
  private readonly items: T[] = []
  private start = 0

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`a ring needs room for at least one item, not ${capacity}`)
  }

  get size(): number {
    return this.items.length
  }

  /** the newest item */
  last(): T | undefined {
    return this.items.length === 0 ? undefined : this.items[(this.start + this.items.length - 1) % this.items.length]
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item)
      return
    }

    this.items[this.start] = item
    this.start = (this.start + 1) % this.capacity
  }

  /** oldest first */
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)]
  }
}
