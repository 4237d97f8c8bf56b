// SPDX-License-Identifier: GPL-2.0
/*
 * A shared library with none of the symbols of the one it stands in for,
 * built as libkmod.so.2 and libxml2.so.2 for dl_test: first on
 * LD_LIBRARY_PATH, it makes dlopen() succeed and every dlsym() fail.
 */
int hostgeom_fake_library;
