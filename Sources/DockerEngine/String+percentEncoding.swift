extension String {
    /// Percent-encodes every UTF-8 byte that is not an ASCII letter or digit, nor in `alsoKept`,
    /// as a URL path segment or query value needs. FoundationEssentials has no
    /// `addingPercentEncoding`, and full Foundation would link ICU into failoverd.
    func percentEncoded(keeping alsoKept: String = "") -> String {
        let kept = Set(alsoKept.utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded = ""
        for byte in utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || kept.contains(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                encoded.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return encoded
    }
}

/// The characters of a path segment (RFC 3986 `pchar`) besides letters and digits, less the
/// ones that would end or split a segment in Docker's router (`&` and `=` too, as before).
let pathSegmentCharacters = "-._~!$'()*+,;:@"
