import IntakeCore

extension GenericAdapter: ConfigurableAdapter {
    public static let kind = "generic"
    public static let summary = "JSON complaints posted to POST /v1/messages with an ingest token (the reference adapter)."

    public init(name: String, config: ConfigSection) {
        let region = config.string("default_region")
        if let region, region.count != 2 {
            config.problem("default_region", "must be a two-letter region code like US or GB")
        }
        self.init(name: name, configuration: Configuration(defaultRegion: region?.uppercased()))
    }
}
