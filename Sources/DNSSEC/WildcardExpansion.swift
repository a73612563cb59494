import DNSWire

/// What an RRSIG's Labels field reveals when it is smaller than the owner's label count: the RRset was
/// synthesised from the wildcard `*.<closest encloser>` (RFC 4035 §5.3.2, RFC 4592).
///
/// A wildcard answer is only secure together with proof that the query name itself does not exist, i.e. that
/// the next closer name is denied (RFC 4035 §5.3.4, RFC 5155 §8.8): hand this to `DenialValidator` as
/// `.wildcardAnswer`.
public struct WildcardExpansion: Hashable, Sendable {
    /// The owner of the synthesised RRset (the query name).
    public var name: Name
    /// The ancestor of `name` with `labels` labels: the wildcard's parent and the closest encloser.
    public var closestEncloser: Name
    /// The ancestor of `name` one label below the closest encloser (RFC 5155 §1.3).
    public var nextCloser: Name

    /// Nil when `labels` shows no expansion (equal to the owner's RRSIG label count) or is impossible
    /// (larger than it, RFC 4035 §5.3.1).
    public init?(owner: Name, labels: UInt8) {
        let count = Int(labels)
        guard count < owner.rrsigLabelCount else { return nil }
        name = owner
        closestEncloser = owner.suffix(labelCount: count)
        nextCloser = owner.suffix(labelCount: count + 1)
    }

    /// `*.<closest encloser>`, the name the answer was synthesised from; nil if it would be too long.
    public var wildcard: Name? { try? closestEncloser.wildcard() }
}
