// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom_test through libkmod. A module built for another kernel is
 * caught before the kernel sees it (its vermagic against uname's release),
 * so the message can name both kernels.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <hostgeom/kmodload.h>

#include "internal.h"

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

/* libkmod's calls, set by context() before any other use. */
static const struct hg_libkmod *k;

/* A libkmod context in *@ctx: 0, -ENOSYS (no libkmod) or -ENOMEM. */
static int context(struct kmod_ctx **ctx, struct hg_err *err)
{
	*ctx = NULL;
	k = hg_libkmod(err);
	if (!k)
		return -ENOSYS;
	*ctx = k->new_ctx(NULL, NULL);
	if (!*ctx)
		return hg_err_set(err, -ENOMEM,
				  "cannot set up libkmod (out of memory?)");
	k->set_log_fn(*ctx, quiet, NULL);
	return 0;
}

static bool is_loaded(struct kmod_ctx *ctx)
{
	struct kmod_module *mod = NULL;
	int state = -ENOENT;

	if (!k->module_new_from_name(ctx, HG_KMOD_NAME, &mod)) {
		state = k->module_get_initstate(mod);
		k->module_unref(mod);
	}
	return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_COMING;
}

bool hg_kmod_is_loaded(void)
{
	struct kmod_ctx *ctx;
	bool loaded;

	if (context(&ctx, NULL))
		return false;
	loaded = is_loaded(ctx);
	k->unref(ctx);
	return loaded;
}

/* The module's vermagic must start with the running kernel's release. */
static int check_vermagic(struct kmod_module *mod, const char *path,
			  struct hg_err *err)
{
	struct kmod_list *info = NULL, *l;
	char built[128] = "";
	struct utsname u;
	size_t n;

	if (k->module_get_info(mod, &info) < 0)
		return hg_err_set_kind(err, HG_ERR_MODULE_MISSING, -ENOEXEC,
				       "%s is not a kernel module (no readable .modinfo)",
				       path);
	for (l = info; l; l = k->list_next(info, l)) {
		if (!strcmp(k->module_info_get_key(l), "vermagic")) {
			n = strcspn(k->module_info_get_value(l), " ");
			snprintf(built, sizeof(built), "%.*s", (int)n,
				 k->module_info_get_value(l));
		}
	}
	k->module_info_free_list(info);
	uname(&u);
	if (!strcmp(built, u.release))
		return 0;
	return hg_err_set_kind(err, HG_ERR_MODULE_FOREIGN, -ENOEXEC,
			       "%s was built for kernel %s, this kernel is %s; rebuild it against this kernel's build tree",
			       path, built[0] ? built : "(no vermagic)",
			       u.release);
}

/* An insertion's result: 0 when it went in or was in already. */
static int insert_error(int ret, const char *path, struct hg_err *err)
{
	if (ret >= 0 || ret == -EEXIST)
		return 0;
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

static int check_access(const char *path, struct hg_err *err)
{
	if (access(path, R_OK))
		return hg_err_set_kind(err, HG_ERR_MODULE_MISSING, -ENOENT,
				       "no module file %s (%s)", path,
				       strerror(errno));
	return 0;
}

/*
 * Opens @path, which check_access() accepted, as *@mod and checks its
 * vermagic; *@mod is NULL unless this returns 0.
 */
static int open_file(struct kmod_ctx *ctx, const char *path,
		     struct kmod_module **mod, struct hg_err *err)
{
	int ret;

	*mod = NULL;
	ret = k->module_new_from_path(ctx, path, mod);
	if (ret < 0)
		return hg_err_set(err, ret, "libkmod cannot open %s: %s",
				  path, strerror(-ret));
	ret = check_vermagic(*mod, path, err);
	if (ret) {
		k->module_unref(*mod);
		*mod = NULL;
	}
	return ret;
}

/* By name from the running kernel's module index; 1 when not in it. */
static int load_installed(struct kmod_ctx *ctx, struct hg_err *err)
{
	struct kmod_module *mod = NULL;
	const char *path;
	int ret;

	if (k->module_new_from_name_lookup(ctx, HG_KMOD_NAME, &mod) < 0 ||
	    !mod)
		return 1;
	path = k->module_get_path(mod);
	ret = check_vermagic(mod, path ? path : HG_KMOD_NAME, err);
	if (!ret)
		ret = insert_error(k->module_probe_insert_module(mod, 0, NULL,
								   NULL, NULL,
								   NULL),
				   path ? path : HG_KMOD_NAME, err);
	k->module_unref(mod);
	return ret;
}

int hg_kmod_load(const char *path, bool *loaded, struct hg_err *err)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	struct utsname u;
	int ret;

	*loaded = false;
	if (path && (ret = check_access(path, err)))
		return ret;
	ret = context(&ctx, err);
	if (ret)
		return ret;
	/* An explicit file is checked even when a module is loaded already. */
	if (path && (ret = open_file(ctx, path, &mod, err)))
		goto out;
	if (is_loaded(ctx)) {
		ret = 0;
		goto out;
	}
	if (path) {
		ret = insert_error(k->module_insert_module(mod, 0, NULL),
				   path, err);
	} else {
		ret = load_installed(ctx, err);
		if (ret == 1) {
			uname(&u);
			ret = hg_err_set_kind(err, HG_ERR_MODULE_MISSING,
					      -ENOENT,
					      "module %s is not installed for kernel %s (no DKMS or modules_install), and no module file was named",
					      HG_KMOD_NAME, u.release);
		}
	}
	*loaded = !ret;
out:
	k->module_unref(mod);
	k->unref(ctx);
	return ret;
}

int hg_kmod_unload(struct hg_err *err)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	ret = context(&ctx, err);
	if (ret)
		return ret;
	ret = k->module_new_from_name(ctx, HG_KMOD_NAME, &mod);
	if (!ret) {
		ret = k->module_remove_module(mod, 0);
		k->module_unref(mod);
	}
	k->unref(ctx);
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
