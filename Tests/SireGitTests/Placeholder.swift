import Testing
@testable import SireGit
