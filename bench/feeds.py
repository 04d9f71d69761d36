"""Feed benchmark helpers for bench/feeds.sh: generate large feeds, and time Python feedparser on the same files."""
import os
import sys
import time


def generate(directory):
    """Writes three large feeds (RSS 2.0, Atom 1.0, RSS 1.0) with realistic entries: HTML content, entities, dates."""
    os.makedirs(directory, exist_ok=True)
    words = ("kettle broke again support never answered the acme toaster caught fire refund please "
             "delivery late &amp; damaged &quot;premium&quot; model leaking since tuesday").split()

    def text(i, n):
        return " ".join(words[(i * 7 + k) % len(words)] for k in range(n))

    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    rss = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
           ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Mentions</title><link>https://example.com/</link>'
           '<description>Generated</description>']
    for i in range(4000):
        rss.append(
            f'<item><title>Post {i}: {text(i, 6)}</title><link>https://social.example/@user{i % 300}/{i}</link>'
            f'<guid isPermaLink="false">tag:social.example,2026:{i}</guid>'
            f'<pubDate>{days[i % 7]}, {1 + i % 28:02d} Nov 2026 {i % 24:02d}:{i % 60:02d}:00 +0000</pubDate>'
            f'<dc:creator>@user{i % 300}</dc:creator><category>complaints</category>'
            f'<description>{text(i, 25)}</description>'
            f'<content:encoded><![CDATA[<p>{text(i + 1, 40)}</p><p><a href="/r/{i}">link</a> &amp; more</p>]]></content:encoded></item>')
    rss.append('</channel></rss>\n')
    atom = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://reviews.example/">'
            '<title>Reviews</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><updated>2026-11-20T10:00:00Z</updated>']
    for i in range(4000):
        atom.append(
            f'<entry><title type="html">Review {i} &amp;lt;{text(i, 4)}&amp;gt;</title><link rel="alternate" href="reviews/{i}"/>'
            f'<id>urn:review:{i}</id><updated>2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z</updated>'
            f'<published>2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00+01:00</published>'
            f'<author><name>Reviewer {i % 500}</name><uri>https://reviews.example/u/{i % 500}</uri></author>'
            f'<category term="kettles"/><summary>{text(i, 20)}</summary>'
            f'<content type="html">&lt;p&gt;{text(i + 2, 45)}&lt;/p&gt;&lt;br/&gt;&lt;b&gt;{text(i, 5)}&lt;/b&gt;</content></entry>')
    atom.append('</feed>\n')
    rdf = ['<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
           ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<channel rdf:about="https://alerts.example/"><title>Alerts</title><link>https://alerts.example/</link>'
           '<description>Generated</description></channel>']
    for i in range(3000):
        rdf.append(
            f'<item rdf:about="https://news.example/{i}"><title>Alert {i}: {text(i, 8)}</title>'
            f'<link>https://news.example/{i}</link><description>{text(i, 30)}</description>'
            f'<dc:date>2026-11-{1 + i % 28:02d}T{i % 24:02d}:15:00Z</dc:date><dc:creator>News desk {i % 40}</dc:creator></item>')
    rdf.append('</rdf:RDF>\n')
    for name, parts in (("rss20-4000.xml", rss), ("atom10-4000.xml", atom), ("rdf-3000.xml", rdf)):
        with open(os.path.join(directory, name), "w", encoding="utf-8") as out:
            out.write("".join(parts))


def collect(path):
    if os.path.isfile(path):
        return [path]
    found = []
    for root, _, names in os.walk(path):
        found += [os.path.join(root, n) for n in names if n.endswith(".xml")]
    return sorted(found)


def run(arguments):
    """Same arguments as FeedBench: --set NAME [--min-seconds S] FILE_OR_DIR..."""
    import feedparser
    sets, min_seconds = [], 3.0
    it = iter(arguments)
    for argument in it:
        if argument == "--set":
            sets.append([next(it), []])
        elif argument == "--min-seconds":
            min_seconds = float(next(it))
        else:
            if not sets:
                sets.append(["files", []])
            for path in collect(argument):
                with open(path, "rb") as f:
                    sets[-1][1].append(f.read())
    for name, files in sets:
        if not files:
            continue
        passes = entries = errors = 0
        start = time.perf_counter()
        while True:
            for data in files:
                # No response headers: with them and no Content-Type feedparser flags every file and takes a slower path.
                result = feedparser.parse(data)
                entries += len(result.entries)
                errors += 1 if result.bozo else 0
            passes += 1
            if time.perf_counter() - start >= min_seconds:
                break
        seconds = time.perf_counter() - start
        print(f"RESULT impl=python set={name} files={len(files)} bytes_per_pass={sum(map(len, files))} passes={passes} "
              f"seconds={seconds} entries={entries} errors={errors}")


def report(lines):
    results = {}
    for line in lines:
        fields = dict(p.split("=", 1) for p in line.split()[1:])
        results[(fields["impl"], fields["set"])] = fields
    print("feed parsing benchmark (same files, same run; release build vs Python feedparser %s)" % feedparser_version())
    for (impl, name), r in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0] != "swift")):
        mb = int(r["bytes_per_pass"]) * int(r["passes"]) / 1e6
        s = float(r["seconds"])
        per_pass = int(r["entries"]) // int(r["passes"])
        label = "FeedParsing (libxml2)" if impl == "swift" else "feedparser (Python)  "
        print(f"  {name:<10} {label} {mb / s:8.2f} MB/s {int(r['entries']) / s:12,.0f} entries/s   "
              f"({r['files']} files, {int(r['bytes_per_pass']):,} bytes, {per_pass:,} entries and "
              f"{int(r['errors']) // int(r['passes'])} errors per pass, {r['passes']} passes in {s:.1f} s)")
    for name in sorted({n for _, n in results}):
        swift, python = results.get(("swift", name)), results.get(("python", name))
        if swift and python:
            def rate(r):
                return int(r["bytes_per_pass"]) * int(r["passes"]) / float(r["seconds"])
            print(f"  {name:<10} ratio: {rate(swift) / rate(python):.1f}x the baseline (bytes per second)")


def feedparser_version():
    try:
        import feedparser
        return feedparser.__version__
    except Exception:
        return "?"


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "generate":
        generate(sys.argv[2])
    elif command == "run":
        run(sys.argv[2:])
    elif command == "report":
        report([l for l in sys.stdin.read().splitlines() if l.startswith("RESULT")])
