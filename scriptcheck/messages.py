"""What scriptcheck itself says to users, in the script's language."""
from __future__ import annotations

_TEXTS = {
    "template-error": {
        "zh": "模板无法完整分析：{detail}。修正之前，受影响的部分没有被检查。",
        "en": "The template cannot be fully analysed: {detail}. Until it is fixed, the part "
              "it affects is not checked.",
    },
    "template-error-suggestion": {
        "zh": "在编辑器中打开该行，检查 {{% %}} 标签是否成对、引用的文件名是否正确。",
        "en": "Open the line in an editor and check that tags are closed and included "
              "file names are right.",
    },
    "unchecked-branch": {
        "zh": "分支 `{condition}`（第 {line} 行）未被检查：变体数量已达上限 {cap}。"
              "请在配置中调高 max-variants。",
        "en": "The branch `{condition}` (line {line}) was not checked: the limit of {cap} "
              "variants was reached. Raise max-variants in the configuration.",
    },
    # --- what the run says about a file (notices.py): fail closed, in the script's language
    "did-you-mean": {"zh": "（是否应为“{close}”？）", "en": " (did you mean '{close}'?)"},
    "front-matter-key": {
        "zh": "元数据中有未知字段“{key}”{hint}。这个字段不起作用，依赖正确字段的规则可能因此没有适用。",
        "en": "Unknown front-matter key '{key}'{hint}. It has no effect, and rules that depend "
              "on the key you meant may not apply.",
    },
    "front-matter-value": {
        "zh": "元数据字段 {key} 的值“{value}”无效，应为：{expected}{hint}。依赖该字段的规则可能因此没有适用。",
        "en": "The front-matter value {key}: {value} is not valid; expected {expected}{hint}. Rules "
              "that depend on {key} may not apply.",
    },
    "encoding-guess": {
        "zh": "文件不是 UTF-8 编码，按检测结果 {encoding} 读取。请确认无误，或在配置中设置 encoding。",
        "en": "The file is not UTF-8; it was read as {encoding}, a detected guess. Check it, or "
              "set `encoding` in the configuration (or --encoding).",
    },
    "encoding-error": {
        "zh": "无法读取文件的文字编码：{detail}。该文件没有被检查。",
        "en": "The file's text cannot be read: {detail}. It was not checked.",
    },
    "encoding-error-suggestion": {
        "zh": "用 UTF-8 重新保存该文件，或在配置中设置 encoding（如 gbk）、或使用 --encoding。",
        "en": "Save the file as UTF-8, or set `encoding` in the configuration (or --encoding).",
    },
    "limit-size": {
        "zh": "文件大小 {size} 字节，超过上限 max-file-size = {limit}，没有被检查。",
        "en": "The file is {size} bytes, over the limit max-file-size = {limit}; it was not "
              "checked.",
    },
    "limit-size-suggestion": {
        "zh": "拆分该文件，或在配置中调高 max-file-size。",
        "en": "Split the file, or raise max-file-size in the configuration.",
    },
    "limit-depth": {
        "zh": "模板嵌套过深（{depth} 层，上限 max-depth = {limit}；括号每层按 4 层计），没有被检查。",
        "en": "The template nests too deeply ({depth} levels, limit max-depth = {limit}; a "
              "bracket counts as 4 levels); it was not checked.",
    },
    "limit-depth-suggestion": {
        "zh": "把深层嵌套的条件拆成 elif 或宏，或在配置中调高 max-depth（最高 150）。",
        "en": "Flatten the nested conditions (elif, macros), or raise max-depth in the "
              "configuration (at most 150).",
    },
    "regex-timeout": {
        "zh": "规则 {rule} 在本文件中停止检查：{detail}（规则位于 {where}）。",
        "en": "Rule {rule} stopped for this file: {detail} (the rule is at {where}).",
    },
    "regex-timeout-suggestion": {
        "zh": "请规则包的作者改写这个正则表达式，避免无限回溯。",
        "en": "Ask the pack's author to rewrite the regular expression so it cannot backtrack "
              "without end.",
    },
    "internal-error": {
        "zh": "scriptcheck 内部错误：{detail}。该文件没有被完整检查，请报告此问题。",
        "en": "scriptcheck internal error: {detail}. This file was not fully checked; please "
              "report it.",
    },
    "no-pack": {
        "zh": "没有规则包适用于 locale {locale}、司法辖区 {jurisdiction}：该文件没有按任何规则检查。",
        "en": "No rule pack covers locale {locale} and jurisdiction {jurisdiction}: nothing in "
              "this file was checked.",
    },
    "no-pack-suggestion": {
        "zh": "在元数据中写明 locale（zh-CN、en-US、en-GB）和 jurisdiction（CN、US、UK），或用 --rules 加载适用的规则包。",
        "en": "Set locale (zh-CN, en-US, en-GB) and jurisdiction (CN, US, UK) in the front "
              "matter, or load a pack that covers this one with --rules.",
    },
    "unsupported-language": {
        "zh": "不支持语言 {language}（locale {locale}），文本只按通用规则切分，没有按该语言分析。",
        "en": "Language {language} (locale {locale}) is not supported; the text was only split "
              "into words by a generic tokenizer.",
    },
    "unreadable": {
        "zh": "无法读取：{detail}。其中的模板没有被检查。",
        "en": "Cannot be read: {detail}. The templates in it were not checked.",
    },
    "unused-partial": {
        "zh": "没有脚本引用这个片段文件，它的内容没有被检查。",
        "en": "No script includes, imports or extends this partial, so its text was not "
              "checked.",
    },
    "unused-macro": {
        "zh": "宏 {name} 从未被调用，它的内容没有被检查。",
        "en": "The macro {name} is never called, so its text was not checked.",
    },
    "missing-where": {"zh": "（缺失的情况：{paths}）", "en": " (missing {paths})"},
    "missing-order": {"zh": "（须在“{before}”之前说明）", "en": " (it must come before \"{before}\")"},
    "value-was": {"zh": "（当前 {key}: {value}）", "en": " ({key}: {value})"},
    "metric-was": {"zh": "（实际 {value}，上限 {max}）", "en": " (found {value}, limit {max})"},
    "prefer-suggestion": {"zh": "请改为“{use}”。", "en": "Say \"{use}\" instead."},
    "suppression-no-reason": {
        "zh": "忽略注释没有写明理由：请在规则编号后用 -- 说明为什么这里可以例外。",
        "en": "This suppression gives no reason: add one after the rule id with `--`.",
    },
    "suppression-unused": {
        "zh": "忽略注释未生效：这里没有 {rules} 的问题，请删除这条注释。",
        "en": "Unused suppression: nothing here breaks {rules}; remove the comment.",
    },
}


def has(message: str) -> bool:
    return message in _TEXTS


def say(message: str, lang: str, **values) -> str:
    texts = _TEXTS[message]
    return (texts.get(lang) or texts["en"]).format(**values)
