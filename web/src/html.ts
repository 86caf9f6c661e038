/** htm bound to preact's `h`: JSX-like templates with no build step beyond tsc. */
import { h, type VNode } from 'preact';
import htm from 'htm';

export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;
