import Testing
@testable import SireSpec
