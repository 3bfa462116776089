import SireCLI

/// The executable: all behaviour lives in `SireCLI` so tests can run commands in process.
@main
struct SireGitMain {
    static func main() async {
        await SireCommand.main()
    }
}
