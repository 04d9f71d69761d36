import Foundation

/// A customer: one person or organisation known by several identities across channels.
public struct Contact: Codable, Sendable, Equatable {
    public var id: Int64
    public var displayName: String?
    public var identities: [Identity]
    /// People to reach when the customer cannot be (foreman, supervisor, technician).
    public var alternates: [AlternateContact]
    /// Set by a rep when the customer has been abusive: rules stop forcing calls to them.
    public var abusive: Bool
    public var createdAt: Date

    public init(
        id: Int64, displayName: String?, identities: [Identity], alternates: [AlternateContact], abusive: Bool,
        createdAt: Date
    ) {
        self.id = id
        self.displayName = displayName
        self.identities = identities
        self.alternates = alternates
        self.abusive = abusive
        self.createdAt = createdAt
    }

    /// The contact's best phone number, if any identity is one.
    public var phone: String? { identities.first { $0.kind == .phone }?.value }
}

/// Another person to reach on the customer's side, with their role and phone.
public struct AlternateContact: Codable, Sendable, Equatable {
    public var name: String
    /// Foreman, supervisor, technician, office manager...
    public var role: String
    /// E.164.
    public var phone: String

    public init(name: String, role: String, phone: String) {
        self.name = name
        self.role = role
        self.phone = phone
    }
}
