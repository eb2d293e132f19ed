/// A minimal XML element tree, just enough for OpenCV's `FileStorage` cascade files: elements, text,
/// comments and the `<?xml?>` declaration. No entities, DTDs or namespaces — cascades use none, and a
/// full XML stack (FoundationXML/libxml2) would be a new runtime dependency for a 1 MB file read once.
/// Named apart from Foundation's `XMLElement` and `XMLParser`, so a file importing both stays unambiguous.
struct CascadeXMLNode: Sendable {
    var name: String
    var children: [CascadeXMLNode] = []
    var text: String = ""

    func child(_ name: String) -> CascadeXMLNode? {
        children.first { $0.name == name }
    }

    /// Parses the whole document and returns its root element.
    static func parse(_ document: String) throws(CascadeError) -> CascadeXMLNode {
        var parser = CascadeXMLReader(bytes: Array(document.utf8))
        return try parser.parseDocument()
    }
}

private struct CascadeXMLReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(CascadeError) -> CascadeXMLNode {
        try skipMisc()
        guard position < bytes.count else { throw .malformedXML("the document has no root element") }
        let root = try parseElement()
        try skipMisc()
        guard position == bytes.count else { throw .malformedXML("unexpected content after the root element at byte \(position)") }
        return root
    }

    /// Skips whitespace, comments and processing instructions between elements.
    mutating func skipMisc() throws(CascadeError) {
        while true {
            skipWhitespace()
            if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<?") {
                try skip(past: "?>")
            } else {
                return
            }
        }
    }

    mutating func parseElement() throws(CascadeError) -> CascadeXMLNode {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "<") else {
            throw .malformedXML("expected an element at byte \(position)")
        }
        position += 1
        let name = readName()
        guard !name.isEmpty else { throw .malformedXML("an element without a name at byte \(position)") }
        var element = CascadeXMLNode(name: name)
        // Attributes (OpenCV writes `type_id`) carry nothing the cascade needs; skip them, respecting quotes.
        var quote: UInt8?
        while position < bytes.count {
            let byte = bytes[position]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                break
            }
            position += 1
        }
        guard position < bytes.count else { throw .malformedXML("element <\(name)> is not closed") }
        if bytes[position - 1] == UInt8(ascii: "/") {
            position += 1
            return element
        }
        position += 1

        var text: [UInt8] = []
        while true {
            guard position < bytes.count else { throw .malformedXML("element <\(name)> has no end tag") }
            if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "</") {
                position += 2
                let endName = readName()
                skipWhitespace()
                guard endName == name, position < bytes.count, bytes[position] == UInt8(ascii: ">") else {
                    throw .malformedXML("element <\(name)> is closed by </\(endName)>")
                }
                position += 1
                element.text = String(decoding: text, as: UTF8.self)
                return element
            } else if bytes[position] == UInt8(ascii: "<") {
                element.children.append(try parseElement())
            } else {
                text.append(bytes[position])
                position += 1
            }
        }
    }

    mutating func readName() -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            let isNameByte = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":")
            guard isNameByte else { break }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func skipWhitespace() {
        while position < bytes.count,
              bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
            position += 1
        }
    }

    func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return prefix.withUTF8Buffer { prefixBytes in
            for i in 0..<count where bytes[position + i] != prefixBytes[i] { return false }
            return true
        }
    }

    mutating func skip(past terminator: StaticString) throws(CascadeError) {
        while position < bytes.count {
            if starts(with: terminator) {
                position += terminator.utf8CodeUnitCount
                return
            }
            position += 1
        }
        throw .malformedXML("unterminated markup: expected \(terminator)")
    }
}
