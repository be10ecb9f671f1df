import FoundationEssentials

/// libFuzzer entry point: the webhook scanner must never crash, and every body it accepts must
/// read exactly as `JSONDecoder` reads it (the scanner is the fast path on failoverd's public
/// endpoint; `JSONDecoder` is the reference). Built and run by `scripts/fuzz/webhook_scanner.sh`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhookScanner(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = UnsafeRawBufferPointer(start: data, count: size)
    guard let scanned = WebhookScanner.read(body) else { return 0 }
    let decoded = try? WebhookPayloadError.decodeWithJSONDecoder(Array(body))
    if scanned != decoded {
        fatalError("scanner and JSONDecoder disagree on: \(String(decoding: body, as: UTF8.self))")
    }
    return 0
}
