"""evguard as Bazel actions (docs/bazel.md).

evguard_aspect summarizes every C/C++ source of the cc_* targets it visits
(following `deps`) with the target's own compile flags: one action per TU,
cached and distributed like a compile action. evguard_report links the
summaries of its `deps` into one report: the same findings and fingerprints
as `evguard -p` over the same TUs.

    load("@evguard//:evguard.bzl", "evguard_report")
    evguard_report(name = "server_evguard", deps = [":server"], format = "sarif")

The executable is @evguard//:evguard and the annotation database the files of
@evguard//:databases plus those of the label flag @evguard//:user_databases
(`--@evguard//:user_databases=//tools:my_loop_db` in .bazelrc).
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

EvguardSummariesInfo = provider(
    doc = "evguard summaries of a target and of everything it depends on.",
    fields = {
        "summaries": "depset of summary files",
        "sources": "depset of the summarized sources (the report reads their lines)",
    },
)

_C_EXTENSIONS = ["c"]
_CXX_EXTENSIONS = ["cc", "cpp", "cxx", "c++", "C"]

def _database_files(attr):
    return attr._databases.files.to_list() + attr._user_databases.files.to_list()

def _database_args(args, databases):
    args.add("--no-default-db")
    args.add_all(databases, before_each = "--db")

def _compile_command(ctx, cc_toolchain, features, compilation_context, src):
    """The flags the target's compile action would use for src (without the
    compiler: flags after `--` are what evguard summarize takes)."""
    is_cxx = src.extension in _CXX_EXTENSIONS
    cpp = ctx.fragments.cpp
    user_flags = list(cpp.copts) + list(cpp.cxxopts if is_cxx else cpp.conlyopts)
    user_flags += [ctx.expand_make_variables("copts", f, {}) for f in getattr(ctx.rule.attr, "copts", [])]
    variables = cc_common.create_compile_variables(
        feature_configuration = features,
        cc_toolchain = cc_toolchain,
        user_compile_flags = user_flags,
        source_file = src.path,
        include_directories = compilation_context.includes,
        quote_include_directories = compilation_context.quote_includes,
        system_include_directories = compilation_context.system_includes,
        framework_include_directories = compilation_context.framework_includes,
        preprocessor_defines = depset(transitive = [
            compilation_context.defines,
            compilation_context.local_defines,
        ]),
    )
    action = "c++-compile" if is_cxx else "c-compile"
    flags = cc_common.get_memory_inefficient_command_line(
        feature_configuration = features,
        action_name = action,
        variables = variables,
    )
    return [f for f in flags if f != src.path]

def _evguard_aspect_impl(target, ctx):
    deps = [d[EvguardSummariesInfo] for d in getattr(ctx.rule.attr, "deps", []) if EvguardSummariesInfo in d]
    summaries = []
    sources = []
    if CcInfo in target:
        compilation_context = target[CcInfo].compilation_context
        cc_toolchain = find_cpp_toolchain(ctx)
        features = cc_common.configure_features(
            ctx = ctx,
            cc_toolchain = cc_toolchain,
            requested_features = ctx.features,
            unsupported_features = ctx.disabled_features,
        )
        databases = _database_files(ctx.attr)
        visible = depset(databases, transitive = [compilation_context.headers, cc_toolchain.all_files])
        for src_target in getattr(ctx.rule.attr, "srcs", []):
            for src in src_target.files.to_list():
                if src.extension not in _C_EXTENSIONS + _CXX_EXTENSIONS:
                    continue
                summary = ctx.actions.declare_file("%s.evguard/%s.evgsum.json" % (
                    ctx.label.name,
                    src.short_path.replace("../", "__/"),
                ))
                args = ctx.actions.args()
                args.add("summarize", src.path)
                args.add("-o", summary)

                # Paths relative to the execution root: the same in every
                # sandbox and on every remote executor.
                args.add("--relative-to", ".")
                _database_args(args, databases)
                args.add("--")
                args.add_all(_compile_command(ctx, cc_toolchain, features, compilation_context, src))
                ctx.actions.run(
                    executable = ctx.executable._evguard,
                    arguments = [args],
                    inputs = depset([src], transitive = [visible]),
                    outputs = [summary],
                    mnemonic = "EvguardSummarize",
                    progress_message = "evguard: summarizing %s" % src.short_path,
                )
                summaries.append(summary)
                sources.append(src)
    return [
        EvguardSummariesInfo(
            summaries = depset(summaries, transitive = [d.summaries for d in deps]),
            sources = depset(sources, transitive = [d.sources for d in deps]),
        ),
        OutputGroupInfo(evguard_summaries = depset(summaries)),
    ]

_TOOL_ATTRS = {
    "_evguard": attr.label(default = "@evguard//:evguard", executable = True, cfg = "exec", allow_single_file = True),
    "_databases": attr.label(default = "@evguard//:databases"),
    "_user_databases": attr.label(default = "@evguard//:user_databases"),
}

evguard_aspect = aspect(
    implementation = _evguard_aspect_impl,
    attr_aspects = ["deps"],
    fragments = ["cpp"],
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    attrs = dict(_TOOL_ATTRS, _cc_toolchain = attr.label(
        default = "@bazel_tools//tools/cpp:current_cc_toolchain",
    )),
)

_EXTENSIONS = {"sarif": "sarif", "json": "json", "text": "txt"}

def _evguard_report_impl(ctx):
    summaries = depset(transitive = [d[EvguardSummariesInfo].summaries for d in ctx.attr.deps])
    sources = depset(transitive = [d[EvguardSummariesInfo].sources for d in ctx.attr.deps])
    databases = _database_files(ctx.attr)
    report = ctx.actions.declare_file("%s.%s" % (ctx.label.name, _EXTENSIONS[ctx.attr.format]))
    args = ctx.actions.args()
    args.add("link")
    args.add("--format=" + ctx.attr.format)
    args.add("-o", report)
    args.add("--source-root", ".")
    _database_args(args, databases)
    if not ctx.attr.fail_on_findings:
        args.add("--exit-zero")
    args.add_all(ctx.attr.options)
    args.add_all(summaries)
    ctx.actions.run(
        executable = ctx.executable._evguard,
        arguments = [args],
        inputs = depset(databases, transitive = [summaries, sources]),
        outputs = [report],
        mnemonic = "EvguardLink",
        progress_message = "evguard: linking %d summaries for %s" % (len(summaries.to_list()), ctx.label),
    )
    return [DefaultInfo(files = depset([report]))]

evguard_report = rule(
    implementation = _evguard_report_impl,
    doc = "Links the evguard summaries of deps (and their deps) into one report.",
    attrs = dict(_TOOL_ATTRS, **{
        "deps": attr.label_list(aspects = [evguard_aspect], doc = "cc_binary/cc_library/cc_test targets"),
        "format": attr.string(default = "sarif", values = ["sarif", "json", "text"]),
        "options": attr.string_list(doc = "more evguard link options, e.g. --strict"),
        "fail_on_findings": attr.bool(default = False, doc = "findings fail the build (a CI gate)"),
    }),
)
