// Suites live beside this file; this file only keeps the folder non-empty for SwiftPM.
