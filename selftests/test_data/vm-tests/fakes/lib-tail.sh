
# The fake tree's test module, built for every kernel with a build tree.
test_module() {
	printf '%s\n' "/fake/kmod/${1##*/}/hostgeom_test.ko"
}
