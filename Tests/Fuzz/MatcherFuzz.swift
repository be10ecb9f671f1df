import FoundationEssentials

/// libFuzzer entry point: any trigger text either parses or is refused with a reason, never
/// crashes; a parsed selector prints (as failoverd sends it to Alertmanager's API) text that
/// parses back to the same selector, and matching labels never crashes. Run by
/// `scripts/fuzz/run.sh matcher`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMatcher(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    guard let selector = try? AlertSelector(parsing: text) else { return 0 }
    guard let reparsed = try? AlertSelector(parsing: selector.description), reparsed == selector else {
        fatalError("\(selector.description) does not parse back to the selector read from \(text.debugDescription)")
    }
    _ = selector.matches(["alertname": text, "site": ""])
    return 0
}
