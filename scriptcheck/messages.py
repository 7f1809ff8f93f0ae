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


def say(message: str, lang: str, **values) -> str:
    texts = _TEXTS[message]
    return (texts.get(lang) or texts["en"]).format(**values)
