import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif

/// The fuzzer's input as an array, the form the decoders take.
public func fuzzInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// The input as text, invalid UTF-8 replaced (as a file read with String(decoding:) would be).
public func fuzzText(_ start: UnsafePointer<UInt8>?, _ count: Int) -> String {
    String(decoding: fuzzInput(start, count), as: UTF8.self)
}

/// A property that must hold for every input: when it does not, say which and abort, so libFuzzer keeps the
/// input as a crash artifact.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if condition() { return }
    let text = "fuzz property failed at \(file):\(line): \(message())\n"
    var bytes = Array(text.utf8)
    _ = write(2, &bytes, bytes.count)
    abort()
}

/// What libFuzzer calls with each input.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Hand the process to libFuzzer. Each target's `<Module>_main` calls this: SwiftPM links an executable's
/// entry point under that name (`--defsym main=<Module>_main`), so libFuzzer's own `main` is never linked in.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ target: FuzzTarget) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, target)
}
