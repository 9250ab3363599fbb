import SwiftVirtDaemon
print("swiftvirtd")
