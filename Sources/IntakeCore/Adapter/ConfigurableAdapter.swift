/// An adapter that can be built from its `adapters:` entry in the configuration.
///
/// Registering a kind is one line in the server's `AdapterRegistry`; the registry's docs table
/// comes from `kind` and `summary`, and a test fails when `Adapters/README.md` lacks a kind's row.
public protocol ConfigurableAdapter: ChannelAdapter {
    /// The `kind:` value that selects this adapter (`generic`, `imap`, `sms.twilio`).
    static var kind: String { get }
    /// One line for the adapters table in the docs.
    static var summary: String { get }
    /// Reads the adapter's keys from `config` (`name` and `kind` are read by the host); records problems
    /// there rather than throwing, so a config check lists them all.
    init(name: String, config: ConfigSection)
}
