import ArgumentParser

/// The `sire-git` root command.
public struct SireCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sire-git",
        abstract: "A Git-native workflow controller.")

    public init() {}

    public func run() async throws {
        print(Self.helpMessage())
    }
}
