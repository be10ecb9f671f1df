import FailoverDaemon
import Foundation

/// Where each input is written, since the loader reads a file as failoverd does.
private let inputPath = FileManager.default.temporaryDirectory.appendingPathComponent("failoverd-fuzz-\(getpid()).yml").path

/// libFuzzer entry point: any file either loads or is refused with a `ConfigurationError`, never
/// crashes; a file that loads prints (`check-config`) as YAML that loads again and prints the
/// same. Run by `scripts/fuzz/run.sh configuration`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let printed = load(Data(bytes: data, count: size))?.redactedDescription() else { return 0 }
    guard let reloaded = load(Data(printed.utf8)), reloaded.redactedDescription() == printed else {
        fatalError("check-config's printout does not load back to itself:\n\(printed)")
    }
    return 0
}

private func load(_ contents: Data) -> FailoverdConfiguration? {
    guard FileManager.default.createFile(atPath: inputPath, contents: contents) else { fatalError("cannot write \(inputPath)") }
    return try? FailoverdConfiguration.load(file: inputPath, environment: [:])
}
