import Testing

/// Every integration suite nests here so that they run one at a time: each starts its own swiftvirtd and real
/// QEMU guests (TCG), and the machines this runs on have two cores.
@Suite(.serialized, .timeLimit(.minutes(5)))
enum Integration {}
