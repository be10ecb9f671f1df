import FoundationEssentials

/// libFuzzer entry point: any text either reads as an RFC 3339 time or not, never crashes; a
/// time read is printed (as failoverd logs and reports it) as text that reads back to the same
/// millisecond. Run by `scripts/fuzz/run.sh rfc3339`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRFC3339(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    guard let date = RFC3339.parse(text) else { return 0 }
    let printed = RFC3339.format(date)
    guard let reread = RFC3339.parse(printed), abs(reread.timeIntervalSince(date)) < 0.001 else {
        fatalError("\(text.debugDescription) read as \(date.timeIntervalSince1970), printed as \(printed), which does not read back")
    }
    return 0
}
