import ArgumentParser
import Foundation

/// `kafka-inbox manual`: the man page (roff), made from the commands' own help, so that it
/// never disagrees with them. `make install` and the package install it as kafka-inbox(1).
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "manual", abstract: "Print the man page (roff).",
                                                    shouldDisplay: false)

    func run() throws {
        var out = """
        .TH KAFKA-INBOX 1 "\(Self.date)" "kafka-inbox \(KafkaInbox.version)" "User Commands"
        .SH NAME
        kafka-inbox \\- \(Self.roff(KafkaInbox.configuration.abstract))
        .SH SYNOPSIS
        .B kafka-inbox
        [\\fIcommand\\fR] [\\fIoptions\\fR]
        .SH DESCRIPTION
        \(Self.roff(KafkaInbox.configuration.discussion))
        .PP
        The README (/usr/share/doc/kafka-inbox) documents the configuration file, the [schema]
        mapping, the exit codes and the guarantees.
        .SH COMMANDS

        """
        for command in KafkaInbox.configuration.subcommands where command.configuration.shouldDisplay {
            let name = command.configuration.commandName ?? "\(command)"
            out += ".SS \(name)\n\(Self.roff(command.configuration.abstract))\n.PP\n.nf\n"
            out += Self.roff(KafkaInbox.helpMessage(for: command, columns: 78)) + "\n.fi\n"
        }
        out += """
        .SH FILES
        .TP
        \\fI$XDG_CONFIG_HOME/kafka-inbox/config.toml\\fR
        the configuration file
        .TP
        \\fI$XDG_STATE_HOME/kafka-inbox/\\fR
        the outbox of receipts, the snapshot and the log, per user and cluster
        .SH SEE ALSO
        kcat(1)

        """
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    private static var date: String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.locale = Locale(identifier: "en_US_POSIX")
        return f.string(from: Date())
    }

    /// Text safe in roff: backslashes escaped, no line starting with a dot or a quote.
    private static func roff(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e").split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
        }.joined(separator: "\n")
    }
}
