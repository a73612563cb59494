/// A dictionary that also keeps its entries in order of use and adds up their sizes.
///
/// Entries live in array slots threaded on a doubly-linked list from newest to oldest use; the dictionary
/// maps a key to its slot, and freed slots are reused. Every operation is O(1) (amortised, as for any
/// dictionary): finding, touching, storing and removing an entry, and finding the least recently used one.
/// The store does not evict by itself: the owner decides what to drop and when.
struct LRUStore<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var key: Key
        var value: Value
        var size: Int
        /// The slot used just after this one, toward the newest; `none` for the newest.
        var newer: Int
        /// The slot used just before this one, toward the oldest; `none` for the oldest.
        var older: Int

        mutating func changeValue(_ change: (inout Value) -> Void) { change(&value) }
    }

    private static var none: Int { -1 }

    private var slots: [Slot?] = []
    private var freeSlots: [Int] = []
    private var index: [Key: Int] = [:]
    private var newest = LRUStore.none
    private var oldest = LRUStore.none

    /// The sum of the sizes of all entries.
    private(set) var totalSize = 0

    var count: Int { index.count }

    /// The value for `key`, leaving its place in the order alone.
    func peek(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        return slots[slot]?.value
    }

    /// Mark `key` as just used.
    mutating func touch(_ key: Key) {
        guard let slot = index[key], slot != newest else { return }
        unlink(slot)
        linkAsNewest(slot)
    }

    /// Change a value in place, keeping its size and its place in the order. False when `key` is absent.
    @discardableResult
    mutating func modify(_ key: Key, _ change: (inout Value) -> Void) -> Bool {
        guard let slot = index[key], slots[slot] != nil else { return false }
        // Optional chaining on the array element mutates the stored value in place, without a copy.
        slots[slot]?.changeValue(change)
        return true
    }

    /// Store `value` under `key` as the most recently used entry, replacing any value already there.
    mutating func set(_ key: Key, _ value: Value, size: Int) {
        if let slot = index[key] {
            totalSize += size - (slots[slot]?.size ?? 0)
            slots[slot]?.value = value
            slots[slot]?.size = size
            if slot != newest {
                unlink(slot)
                linkAsNewest(slot)
            }
            return
        }
        let fresh = Slot(key: key, value: value, size: size, newer: LRUStore.none, older: LRUStore.none)
        let slot: Int
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[slot] = fresh
        } else {
            slot = slots.count
            slots.append(fresh)
        }
        index[key] = slot
        totalSize += size
        linkAsNewest(slot)
    }

    /// Remove the entry for `key`, returning its value.
    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        guard let slot = index.removeValue(forKey: key) else { return nil }
        return release(slot)?.value
    }

    /// Remove the least recently used entry, returning its key.
    mutating func removeOldest() -> Key? {
        guard oldest != LRUStore.none, let slot = slots[oldest] else { return nil }
        index.removeValue(forKey: slot.key)
        return release(oldest)?.key
    }

    mutating func removeAll() {
        self = LRUStore()
    }

    /// Keys from the most to the least recently used (for tests and diagnostics; O(n)).
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = newest
        while slot != LRUStore.none, let entry = slots[slot] {
            keys.append(entry.key)
            slot = entry.older
        }
        return keys
    }

    private mutating func release(_ slot: Int) -> Slot? {
        unlink(slot)
        let entry = slots[slot]
        slots[slot] = nil
        freeSlots.append(slot)
        totalSize -= entry?.size ?? 0
        return entry
    }

    private mutating func unlink(_ slot: Int) {
        guard let newer = slots[slot]?.newer, let older = slots[slot]?.older else { return }
        if newer != LRUStore.none { slots[newer]?.older = older } else { newest = older }
        if older != LRUStore.none { slots[older]?.newer = newer } else { oldest = newer }
        slots[slot]?.newer = LRUStore.none
        slots[slot]?.older = LRUStore.none
    }

    private mutating func linkAsNewest(_ slot: Int) {
        slots[slot]?.older = newest
        slots[slot]?.newer = LRUStore.none
        if newest != LRUStore.none { slots[newest]?.newer = slot } else { oldest = slot }
        newest = slot
    }
}
