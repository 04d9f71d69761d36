/// Where the SQLite store's ingest put a message: the case it joined or opened (nil: an automated message with no
/// case to join). The PostgreSQL store decides the same in `intake_ingest`.
struct CasePlacement {
    var caseID: Int64?
    var opened = false
    var reopened = false
    /// The case each thread reference already points at (references found in `thread_refs`).
    var knownRefs: [String: Int64] = [:]
}
