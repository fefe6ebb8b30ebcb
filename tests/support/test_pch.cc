// The source of convoy_test_pch (tests/CMakeLists.txt): the target that makes the test programs'
// precompiled header needs a source of its own to compile it with.
