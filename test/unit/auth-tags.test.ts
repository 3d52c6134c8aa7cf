import { describe, expect, it } from 'vitest';
import {
  canAccessManagement,
  formatTagList,
  formatTagString,
  InvalidTagsError,
  isAdministrator,
  isImpersonator,
  isKnownTag,
  isMonitor,
  isPolicymaker,
  managementLevel,
  parseTagArgs,
  parseTagsField,
} from '../../src/auth/tags.js';

describe('parsing tags (as RabbitMQ 3.10.8 does)', () => {
  it('rabbitmqctl set_user_tags: each argument verbatim, duplicates kept; none clears', () => {
    expect(parseTagArgs(['a,b', ' c ', 'a', 'a'])).toEqual(['a,b', ' c ', 'a', 'a']);
    expect(parseTagArgs([])).toEqual([]);
  });

  it('a "tags" string is split on commas, trimmed of spaces, empty parts dropped', () => {
    expect(parseTagsField(' a, b ,,a')).toEqual(['a', 'b', 'a']);
    expect(parseTagsField('administrator')).toEqual(['administrator']);
    expect(parseTagsField('')).toEqual([]);
    expect(parseTagsField('management,monitoring')).toEqual(['management', 'monitoring']);
  });

  it('a "tags" array has each item trimmed and kept, even ""', () => {
    expect(parseTagsField([' x ', 'y', ''])).toEqual(['x', 'y', '']);
    expect(parseTagsField(['custom-tag'])).toEqual(['custom-tag']);
  });

  it('only spaces are trimmed (Erlang string:strip/1)', () => {
    expect(parseTagsField('\ta ')).toEqual(['\ta']);
  });

  it('refuses other types', () => {
    expect(() => parseTagsField(5)).toThrow(InvalidTagsError);
    expect(() => parseTagsField(['a', 1])).toThrow(InvalidTagsError);
    expect(() => parseTagsField(null)).toThrow(InvalidTagsError);
  });

  it('formats as list_users prints them and as the HTTP API string', () => {
    expect(formatTagList(['administrator', 'monitoring', 'custom-tag'])).toBe('[administrator, monitoring, custom-tag]');
    expect(formatTagList([])).toBe('[]');
    expect(formatTagString(['a', 'b'])).toBe('a,b');
  });
});

describe('management access rules (rabbit_mgmt_util)', () => {
  it.each([
    [['administrator'], true, true, true, true, false, 'administrator'],
    [['monitoring'], false, true, false, true, false, 'monitoring'],
    [['policymaker'], false, false, true, true, false, 'policymaker'],
    [['management'], false, false, false, true, false, 'management'],
    [['impersonator'], false, false, false, false, true, 'none'],
    [['custom-tag'], false, false, false, false, false, 'none'],
    [[], false, false, false, false, false, 'none'],
    [['monitoring', 'policymaker'], false, true, true, true, false, 'monitoring'],
    [['management', 'impersonator'], false, false, false, true, true, 'management'],
  ] as const)('%j', (tags, admin, monitor, policy, mgmt, impersonator, level) => {
    expect(isAdministrator(tags)).toBe(admin);
    expect(isMonitor(tags)).toBe(monitor);
    expect(isPolicymaker(tags)).toBe(policy);
    expect(canAccessManagement(tags)).toBe(mgmt);
    expect(isImpersonator(tags)).toBe(impersonator);
    expect(managementLevel(tags)).toBe(level);
  });

  it('administrator does not imply impersonator (3.10.8: 406 on a foreign user-id)', () => {
    expect(isImpersonator(['administrator'])).toBe(false);
  });

  it('knows the five built-in tags and nothing else', () => {
    for (const t of ['administrator', 'monitoring', 'policymaker', 'management', 'impersonator']) expect(isKnownTag(t)).toBe(true);
    expect(isKnownTag('Administrator')).toBe(false);
    expect(isKnownTag('custom-tag')).toBe(false);
  });
});
