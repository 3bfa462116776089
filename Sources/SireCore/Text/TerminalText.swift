extension String {
    /// This text made safe to print on one line of a terminal or a CI log: control characters
    /// (C0 but tab, DEL, C1) become `\n`, `\r`, `\u{1B}`-style escapes, and so do the Unicode
    /// bidirectional overrides that can make a line read differently from what it holds.
    ///
    /// Workflow files come from anyone who can push: printed raw, an escape sequence could
    /// drive the terminal, and a newline could start a line CI runners obey (`::add-mask::`).
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            guard Self.needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let escaped: String =
                switch scalar {
                case "\n": "\\n"
                case "\r": "\\r"
                default: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                }
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
