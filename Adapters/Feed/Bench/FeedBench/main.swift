// Parses feed files repeatedly with FeedParsing and prints one RESULT line per set, for bench/feeds.sh.
// Usage: FeedBench --set NAME [--min-seconds S] FILE_OR_DIR... [--set NAME2 ...]
import FeedParsing
import Foundation

struct FileSet {
    var name: String
    var files: [Data] = []
}

func collect(_ path: String) -> [Data] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
    if !isDirectory.boolValue { return (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [$0] } ?? [] }
    let enumerator = FileManager.default.enumerator(atPath: path)
    var found: [String] = []
    while let item = enumerator?.nextObject() as? String {
        if item.hasSuffix(".xml") { found.append(item) }
    }
    return found.sorted().compactMap { try? Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent($0)) }
}

var sets: [FileSet] = []
var minSeconds = 3.0
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--set": sets.append(FileSet(name: arguments.removeFirst()))
    case "--min-seconds": minSeconds = Double(arguments.removeFirst()) ?? 3
    default:
        if sets.isEmpty { sets.append(FileSet(name: "files")) }
        sets[sets.count - 1].files += collect(argument)
    }
}

for set in sets where !set.files.isEmpty {
    let bytesPerPass = set.files.reduce(0) { $0 + $1.count }
    var passes = 0
    var entries = 0
    var errors = 0
    let clock = ContinuousClock()
    let start = clock.now
    repeat {
        for data in set.files {
            do {
                entries += try FeedParser.parse(data: data, baseURL: URL(string: "http://example.com/feed.xml")).entries.count
            } catch {
                errors += 1
            }
        }
        passes += 1
    } while (clock.now - start) < .seconds(minSeconds)
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("RESULT impl=swift set=\(set.name) files=\(set.files.count) bytes_per_pass=\(bytesPerPass) passes=\(passes) seconds=\(seconds) entries=\(entries) errors=\(errors)")
}
