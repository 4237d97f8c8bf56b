// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom_test through libkmod. A module built for another kernel is
 * caught before the kernel sees it (its vermagic against uname's release),
 * so the message can name both kernels and the command that rebuilds it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libkmod.h>

#include <hostgeom/kmodload.h>

/* libkmod's own complaints (a missing modules.dep, ...) are not ours. */
static void quiet(void *data, int priority, const char *file, int line,
		  const char *fn, const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}

static struct kmod_ctx *context(struct hg_err *err)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (!ctx)
		hg_err_set(err, -ENOMEM, "cannot set up libkmod (out of memory?)");
	else
		kmod_set_log_fn(ctx, quiet, NULL);
	return ctx;
}

int hg_kmod_tree_path(char *buf, size_t len)
{
	char dir[PATH_MAX], *slash;
	struct utsname u;
	ssize_t n;
	int level;

	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n < 0 || uname(&u))
		return -ENOENT;
	dir[n] = '\0';
	/* build/hostgeom, build/selftests/x, build/asan/selftests/x */
	for (level = 0; level < 4; level++) {
		slash = strrchr(dir, '/');
		if (!slash)
			break;
		*slash = '\0';
		if ((size_t)snprintf(buf, len, "%s/kmod/out/%s/%s.ko", dir,
				     u.release, HG_KMOD_NAME) >= len)
			return -ENAMETOOLONG;
		if (!access(buf, R_OK))
			return 0;
	}
	return -ENOENT;
}

bool hg_kmod_is_loaded(void)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx = context(NULL);
	int state = -ENOENT;

	if (!ctx)
		return false;
	if (!kmod_module_new_from_name(ctx, HG_KMOD_NAME, &mod)) {
		state = kmod_module_get_initstate(mod);
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_COMING;
}

/* The module's vermagic must start with the running kernel's release. */
static int check_vermagic(struct kmod_module *mod, const char *path,
			  struct hg_err *err)
{
	struct kmod_list *info = NULL, *l;
	char built[128] = "";
	struct utsname u;
	size_t n;

	if (kmod_module_get_info(mod, &info) < 0)
		return hg_err_set(err, -ENOEXEC,
				  "%s is not a kernel module (no readable .modinfo); build it with 'make module'",
				  path);
	kmod_list_foreach(l, info) {
		if (!strcmp(kmod_module_info_get_key(l), "vermagic")) {
			n = strcspn(kmod_module_info_get_value(l), " ");
			snprintf(built, sizeof(built), "%.*s", (int)n,
				 kmod_module_info_get_value(l));
		}
	}
	kmod_module_info_free_list(info);
	uname(&u);
	if (!strcmp(built, u.release))
		return 0;
	return hg_err_set(err, -ENOEXEC,
			  "%s was built for kernel %s, this kernel is %s; rebuild it for this one: make -C kmod KDIR=/lib/modules/%s/build (the kit's guest kernel: KDIR=$(scripts/guest-kernel kdir))",
			  path, built[0] ? built : "(no vermagic)", u.release,
			  u.release);
}

static int insert_error(int ret, const char *path, struct hg_err *err)
{
	switch (ret) {
	case -EPERM:
	case -EACCES:
		return hg_err_set(err, -EPERM,
				  "not allowed to load %s: loading kernel modules needs CAP_SYS_MODULE (run as root), and /proc/sys/kernel/modules_disabled must be 0",
				  path);
	case -EKEYREJECTED:
		return hg_err_set(err, ret,
				  "the kernel loads only signed modules (module.sig_enforce or lockdown): sign %s, or install it through DKMS with an enrolled key (Documentation/module.md)",
				  path);
	case -ENOENT:
		return hg_err_set(err, ret,
				  "the kernel lacks symbols %s needs (dmesg says which): it needs CONFIG_IOMMU_API, CONFIG_PCI and CONFIG_NET",
				  path);
	case -ENOEXEC:
	case -EINVAL:
		return hg_err_set(err, ret,
				  "the kernel refused %s as invalid (%s; dmesg says why): rebuild it against this kernel's build tree",
				  path, strerror(-ret));
	}
	return hg_err_set(err, ret, "loading %s failed: %s (dmesg may say why)",
			  path, strerror(-ret));
}

int hg_kmod_check_file(const char *path, struct hg_err *err)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	if (access(path, R_OK))
		return hg_err_set(err, -ENOENT,
				  "no module file %s (%s); build it: make module",
				  path, strerror(errno));
	ctx = context(err);
	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_path(ctx, path, &mod);
	if (ret < 0)
		ret = hg_err_set(err, ret, "libkmod cannot open %s: %s",
				 path, strerror(-ret));
	else
		ret = check_vermagic(mod, path, err);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

/* Inserts @path, which hg_kmod_check_file() accepted. */
static int load_path(struct kmod_ctx *ctx, const char *path, struct hg_err *err)
{
	struct kmod_module *mod = NULL;
	int ret;

	ret = kmod_module_new_from_path(ctx, path, &mod);
	if (ret < 0)
		return hg_err_set(err, ret, "libkmod cannot open %s: %s",
				  path, strerror(-ret));
	ret = kmod_module_insert_module(mod, 0, NULL);
	if (ret == -EEXIST)
		ret = 0;
	else if (ret < 0)
		ret = insert_error(ret, path, err);
	kmod_module_unref(mod);
	return ret;
}

/* By name from the running kernel's module index; 1 when not in it. */
static int load_installed(struct kmod_ctx *ctx, struct hg_err *err)
{
	struct kmod_module *mod = NULL;
	const char *path;
	int ret;

	if (kmod_module_new_from_name_lookup(ctx, HG_KMOD_NAME, &mod) < 0 ||
	    !mod)
		return 1;
	path = kmod_module_get_path(mod);
	ret = check_vermagic(mod, path ? path : HG_KMOD_NAME, err);
	if (!ret) {
		ret = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL,
						      NULL);
		if (ret == -EEXIST)
			ret = 0;
		else if (ret < 0)
			ret = insert_error(ret, path ? path : HG_KMOD_NAME, err);
	}
	kmod_module_unref(mod);
	return ret;
}

int hg_kmod_load(const char *path, bool *loaded, struct hg_err *err)
{
	char tree[PATH_MAX];
	struct kmod_ctx *ctx;
	struct utsname u;
	int ret;

	*loaded = false;
	/* An explicit file is checked even when a module is loaded already. */
	if (path && (ret = hg_kmod_check_file(path, err)))
		return ret;
	if (hg_kmod_is_loaded())
		return 0;
	ctx = context(err);
	if (!ctx)
		return -ENOMEM;
	if (path) {
		ret = load_path(ctx, path, err);
	} else {
		ret = load_installed(ctx, err);
		if (ret == 1 && !hg_kmod_tree_path(tree, sizeof(tree))) {
			ret = hg_kmod_check_file(tree, err);
			if (!ret)
				ret = load_path(ctx, tree, err);
		}
		if (ret == 1) {
			uname(&u);
			ret = hg_err_set(err, -ENOENT,
					 "module %s not found for kernel %s: not installed (Documentation/module.md: DKMS) and no kmod/out/%s/%s.ko next to this program's build; build it (make -C kmod KDIR=...) or pass --load=PATH",
					 HG_KMOD_NAME, u.release, u.release,
					 HG_KMOD_NAME);
		}
	}
	kmod_unref(ctx);
	*loaded = !ret;
	return ret;
}

int hg_kmod_unload(struct hg_err *err)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	ctx = context(err);
	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_name(ctx, HG_KMOD_NAME, &mod);
	if (!ret) {
		ret = kmod_module_remove_module(mod, 0);
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	switch (ret) {
	case 0:
	case -ENOENT:
		return 0;
	case -EBUSY:
		return hg_err_set(err, ret,
				  "%s is in use (a netlink dump in progress, or another program holds it); try again",
				  HG_KMOD_NAME);
	case -EPERM:
	case -EACCES:
		return hg_err_set(err, -EPERM,
				  "not allowed to unload %s: needs CAP_SYS_MODULE (run as root)",
				  HG_KMOD_NAME);
	}
	return hg_err_set(err, ret, "unloading %s failed: %s", HG_KMOD_NAME,
			  strerror(-ret));
}
