/// How `anchord check` prints its results: a table for people, JSON for tools.
extension Checklist {
    /// The results as a table: item, result, then what was seen, and on a failure a line saying what to do.
    public static func table(_ results: [CheckResult]) -> [String] {
        let width = max(4, results.map(\.item.count).max() ?? 0)
        func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
        var lines = [pad("item", width) + "  result  detail"]
        for result in results {
            lines.append(pad(result.item, width) + "  " + pad(result.status.rawValue, 6) + "  " + result.detail)
            if result.status == .fail { lines.append(pad("", width) + "          → " + result.fix) }
        }
        let failed = results.filter { $0.status == .fail }.count
        let passed = results.filter { $0.status == .ok }.count
        lines.append(failed > 0 ? "\(failed) of \(results.count) checks failed"
                                : passed == 1 ? "1 check ok" : "all \(passed) checks ok")
        return lines
    }

    /// The results as a JSON document: `{"ok": BOOL, "results": [{"item", "result", "detail", "fix"}…]}`.
    public static func json(_ results: [CheckResult], server: String) -> String {
        let entries = results.map { result in
            "{\"item\":\(jsonString(result.item)),\"result\":\(jsonString(result.status.rawValue)),"
                + "\"detail\":\(jsonString(result.detail)),\"fix\":\(jsonString(result.fix))}"
        }
        let ok = !results.contains { $0.status == .fail }
        return "{\"server\":\(jsonString(server)),\"ok\":\(ok),\"results\":[\(entries.joined(separator: ","))]}"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
