import Foundation

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
do {
    if options.role == "inbox" {
        let run = try InboxRun(options: options)
        try run.run()
        let data = try JSONSerialization.data(withJSONObject: run.result, options: [.sortedKeys])
        print("RESULT " + String(decoding: data, as: UTF8.self))
        exit(0)
    }
    try Bench(options: options).run()
} catch {
    fail("\(error)")
}
