import Foundation
import SireCLI

/// The executable: all behaviour lives in `SireCLI` so tests can run commands in process.
@main
struct SireGitMain {
    static func main() async {
        LaunchEnvironment.start()
        let status = await SireCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
        exit(status)
    }
}
