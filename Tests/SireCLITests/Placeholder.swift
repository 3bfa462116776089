import Testing
@testable import SireCLI
