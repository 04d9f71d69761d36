import ArgumentParser
import Hummingbird

/// `intake bench-noop`: a bare Hummingbird server with one POST route that reads the body and answers 202,
/// the ceiling the ingest benchmark compares `/v1/messages` against.
struct BenchNoop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-noop", abstract: "Serve a no-op POST route (benchmark baseline).", shouldDisplay: false)

    @Option(help: "The port.") var port = 18090

    func run() async throws {
        let router = Router()
        router.post("/v1/messages") { request, _ -> Response in
            var request = request
            _ = try await request.collectBody(upTo: 1 << 20)
            return Response(status: .accepted, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port))).runService()
    }
}
