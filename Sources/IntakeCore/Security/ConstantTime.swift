/// Compares two byte sequences in time that depends only on their lengths, not on where they differ.
///
/// Webhook verifiers compare a signature computed from the secret with the one an attacker sent;
/// an early-exit `==` would tell the attacker, through response timing, how many leading bytes they
/// guessed right. Lengths are not secret (every MAC of one algorithm has the same length), so a
/// length mismatch returns `false`, but only after the same walk over `a` as a match would take.
/// Inlinable so that callers get it specialized for their byte collections (an API token is checked on
/// every request); the loop has no early exit for the optimizer to keep or drop.
@inlinable
public func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    var difference: UInt8 = a.count == b.count ? 0 : 1
    var bIndex = b.startIndex
    for byte in a {
        // When `b` is shorter, keep comparing against its first byte (or 0) so the loop still
        // runs once per byte of `a`; the length flag above already made the result false.
        let other: UInt8
        if bIndex != b.endIndex {
            other = b[bIndex]
            bIndex = b.index(after: bIndex)
        } else {
            other = b.first ?? 0
        }
        difference |= byte ^ other
    }
    return difference == 0
}
