// SPDX-License-Identifier: GPL-2.0
/*
 * A libkmod.so.2 without libkmod's symbols, for kmod_dl_test: put first
 * on LD_LIBRARY_PATH, it makes dlopen() succeed and every dlsym() fail.
 */
int hostgeom_fake_libkmod;
