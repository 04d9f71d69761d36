/// The subset of Python expressions that feedparser's fixture `Expect:` lines use and
/// that we evaluate: `and`, `not`, (chained) `==`, parentheses, string literals with
/// escapes, integers, tuples of integers, and names with `['key']`, `[0]` or `.key`
/// subscripts. Anything else (`!=`, `len(...)`, dict literals, `None`, method calls)
/// is reported as unsupported rather than guessed at.
indirect enum ExpectExpression: Equatable {
    case and([ExpectExpression])
    case not(ExpectExpression)
    case equal([ExpectExpression])
    case string(String)
    case integer(Int)
    case tuple([ExpectExpression])
    /// A name followed by subscripts: `entries[0]['title']` is `("entries", [.index(0), .key("title")])`.
    case path(String, [Subscript])

    enum Subscript: Equatable {
        case index(Int)
        case key(String)
    }

    struct Unsupported: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ source: String) throws(Unsupported) -> ExpectExpression {
        var parser = Parser(tokens: try Tokenizer.tokens(of: source))
        let expression = try parser.expression()
        guard parser.atEnd else { throw Unsupported(description: "unexpected \(parser.peek.map { "\($0)" } ?? "end")") }
        return expression
    }

    /// The top-level conjuncts (`a and b and c` -> `[a, b, c]`).
    var conjuncts: [ExpectExpression] {
        if case .and(let parts) = self { parts.flatMap(\.conjuncts) } else { [self] }
    }
}

enum ExpectToken: Equatable {
    case name(String)
    case string(String)
    case integer(Int)
    case symbol(String)
}

private enum Tokenizer {
    static func tokens(of source: String) throws(ExpectExpression.Unsupported) -> [ExpectToken] {
        let characters = Array(source)
        var tokens: [ExpectToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character.isLetter || character == "_" {
                let start = index
                while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
                    index += 1
                }
                let word = String(characters[start..<index])
                if index < characters.count, characters[index] == "'" || characters[index] == "\"" {
                    // String prefixes (u'', b'', r''): only u is harmless.
                    guard word.lowercased() == "u" else { throw .init(description: "string prefix \(word)") }
                    continue
                }
                tokens.append(.name(word))
            } else if character.isNumber {
                let start = index
                while index < characters.count, characters[index].isNumber { index += 1 }
                if index < characters.count, characters[index] == "." || characters[index].isLetter {
                    throw .init(description: "non-integer number")
                }
                tokens.append(.integer(Int(String(characters[start..<index]))!))
            } else if character == "'" || character == "\"" {
                let (value, end) = try stringLiteral(characters, from: index)
                tokens.append(.string(value))
                index = end
            } else if character == "=", index + 1 < characters.count, characters[index + 1] == "=" {
                tokens.append(.symbol("=="))
                index += 2
            } else if "()[],.".contains(character) {
                tokens.append(.symbol(String(character)))
                index += 1
            } else {
                throw .init(description: "symbol \(character)")
            }
        }
        return tokens
    }

    /// A Python string literal ('...', "...", '''...''', """...""") with its escapes.
    private static func stringLiteral(_ characters: [Character], from start: Int) throws(ExpectExpression.Unsupported) -> (String, Int) {
        let quote = characters[start]
        let triple = start + 2 < characters.count && characters[start + 1] == quote && characters[start + 2] == quote
        var index = start + (triple ? 3 : 1)
        var value = ""
        while index < characters.count {
            let character = characters[index]
            if triple, character == quote, index + 2 < characters.count,
               characters[index + 1] == quote, characters[index + 2] == quote {
                return (value, index + 3)
            }
            if !triple, character == quote { return (value, index + 1) }
            if character == "\\", index + 1 < characters.count {
                let escaped = characters[index + 1]
                index += 2
                switch escaped {
                case "n": value += "\n"
                case "t": value += "\t"
                case "r": value += "\r"
                case "\\", "'", "\"": value.append(escaped)
                case "x", "u", "U":
                    let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                    guard index + width <= characters.count,
                          let code = UInt32(String(characters[index..<(index + width)]), radix: 16),
                          let scalar = Unicode.Scalar(code) else { throw .init(description: "bad \\\(escaped) escape") }
                    value.unicodeScalars.append(scalar)
                    index += width
                default:
                    value += "\\" + String(escaped)  // Python keeps unknown escapes verbatim
                }
                continue
            }
            value.append(character)
            index += 1
        }
        throw .init(description: "unterminated string")
    }
}

private struct Parser {
    let tokens: [ExpectToken]
    var position = 0

    var atEnd: Bool { position == tokens.count }
    var peek: ExpectToken? { position < tokens.count ? tokens[position] : nil }

    mutating func take(_ token: ExpectToken) -> Bool {
        guard peek == token else { return false }
        position += 1
        return true
    }

    mutating func expression() throws(ExpectExpression.Unsupported) -> ExpectExpression {
        var parts = [try negation()]
        while take(.name("and")) { parts.append(try negation()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    mutating func negation() throws(ExpectExpression.Unsupported) -> ExpectExpression {
        if take(.name("not")) { return .not(try negation()) }
        var operands = [try postfix()]
        while take(.symbol("==")) { operands.append(try postfix()) }
        return operands.count == 1 ? operands[0] : .equal(operands)
    }

    mutating func postfix() throws(ExpectExpression.Unsupported) -> ExpectExpression {
        let base = try primary()
        guard case .path(let name, var subscripts) = base else { return base }
        while true {
            if take(.symbol("[")) {
                switch peek {
                case .integer(let value)?: subscripts.append(.index(value))
                case .string(let value)?: subscripts.append(.key(value))
                default: throw .init(description: "subscript \(peek.map { "\($0)" } ?? "end")")
                }
                position += 1
                guard take(.symbol("]")) else { throw .init(description: "missing ]") }
            } else if take(.symbol(".")) {
                guard case .name(let key)? = peek else { throw .init(description: "attribute") }
                position += 1
                if peek == .symbol("(") { throw .init(description: "method call .\(key)()") }
                subscripts.append(.key(key))
            } else {
                return .path(name, subscripts)
            }
        }
    }

    mutating func primary() throws(ExpectExpression.Unsupported) -> ExpectExpression {
        guard let token = peek else { throw .init(description: "unexpected end") }
        position += 1
        switch token {
        case .string(var value):
            while case .string(let next)? = peek {  // implicit concatenation
                value += next
                position += 1
            }
            return .string(value)
        case .integer(let value):
            return .integer(value)
        case .name(let name):
            if ["and", "or", "not", "None", "True", "False", "in", "is", "len", "lambda"].contains(name) || peek == .symbol("(") {
                throw .init(description: "name \(name)")
            }
            return .path(name, [])
        case .symbol("("):
            let first = try expression()
            if take(.symbol(")")) { return first }
            var items = [first]
            while take(.symbol(",")) {
                if peek == .symbol(")") { break }
                items.append(try expression())
            }
            guard take(.symbol(")")) else { throw .init(description: "missing )") }
            return .tuple(items)
        case .symbol(let symbol):
            throw .init(description: "symbol \(symbol)")
        }
    }
}
