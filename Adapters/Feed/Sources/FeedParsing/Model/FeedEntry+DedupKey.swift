extension FeedEntry {
    /// A key that stays the same for the same entry across fetches, for deduplication.
    ///
    /// `id:<id>` when the entry has an id, else `link:<link>`, else `sha256:<hex>` of
    /// the title and the content (or summary). The prefixes keep the three kinds from
    /// colliding with each other.
    public var dedupKey: String {
        if let id, !id.isEmpty { return "id:" + id }
        if let link, !link.isEmpty { return "link:" + link }
        let body = contentText ?? summaryText ?? ""
        // A separator that cannot occur in XML text keeps ("ab", "c") apart from ("a", "bc").
        let material = (title ?? "") + "\u{0}" + body
        return "sha256:" + SHA256.hexDigest(of: Array(material.utf8))
    }
}
