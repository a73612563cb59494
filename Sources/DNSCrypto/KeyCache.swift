/// A small map with a fixed number of slots and CLOCK (second-chance) eviction.
///
/// A hit marks its slot; when the cache is full, the hand sweeps the slots, clearing marks, and evicts the
/// first one it finds unmarked. Keys in steady use (the root's and the TLDs' zone keys) therefore survive a
/// stream of keys seen once, which plain FIFO would let flush them. Every operation is O(1) amortised and
/// the memory is bounded by `capacity` entries.
struct KeyCache<Key: Hashable, Value> {
    let capacity: Int
    private var index: [Key: Int] = [:]
    private var slots: [(key: Key, value: Value, referenced: Bool)] = []
    private var hand = 0

    /// A cache of at most `capacity` entries (at least one).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        index.reserveCapacity(self.capacity)
        slots.reserveCapacity(self.capacity)
    }

    var count: Int { slots.count }

    /// The value stored for `key`, marking it as recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        slots[slot].referenced = true
        return slots[slot].value
    }

    /// Stores `value` for `key`, evicting another entry if the cache is full.
    mutating func insert(_ value: Value, for key: Key) {
        if let slot = index[key] {
            slots[slot].value = value
            slots[slot].referenced = true
            return
        }
        if slots.count < capacity {
            index[key] = slots.count
            slots.append((key, value, false))
            return
        }
        // At most one full sweep clears every mark, so the second pass always finds a victim.
        while slots[hand].referenced {
            slots[hand].referenced = false
            hand = (hand + 1) % capacity
        }
        index[slots[hand].key] = nil
        index[key] = hand
        slots[hand] = (key, value, false)
        hand = (hand + 1) % capacity
    }
}
