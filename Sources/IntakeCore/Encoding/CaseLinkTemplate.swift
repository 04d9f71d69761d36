/// A case link template (`https://desk.example.com/cases/{ref}`), split once at its `{ref}` placeholders
/// so that filling it in for every page is plain concatenation.
public struct CaseLinkTemplate: Sendable {
    private let parts: [Substring]

    public init(_ template: String) {
        parts = template.split(separator: "{ref}", omittingEmptySubsequences: false)
    }

    /// The template with every `{ref}` replaced by `reference`.
    public func link(to reference: String) -> String {
        parts.joined(separator: reference)
    }
}
