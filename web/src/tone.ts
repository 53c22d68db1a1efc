/**
 * Tag colours that read (WCAG AA): a solid tag with white text in a darker shade than antd's preset status colours,
 * whose light tags (success, warning, processing) fail the contrast check.
 */
export const tone = { info: '#0958d9', good: '#237804', warn: '#ad4e00', bad: '#cf1322', special: '#531dab' } as const;
