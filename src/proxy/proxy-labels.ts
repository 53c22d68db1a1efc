/** The words of 帮办代办 as people read them (no dependencies: the console bundles them). */
export const serviceModeLabels = { remote_guidance: '远程指导', home_assistance: '上门辅助', full_proxy: '全程代办' } as const;
export const materialFormLabels = { original: '原件', copy: '复印件', either: '原件或复印件' } as const;
