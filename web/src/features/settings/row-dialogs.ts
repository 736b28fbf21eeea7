/** A settings list whose rows are edited and deleted in dialogs. */
import type { QueryKey } from '@tanstack/react-query';
import { useState } from 'react';
import { useSettingsRefresh } from './settings-queries';

/**
 * The row in the edit dialog ('new' while one is being created) and the row in the delete confirmation,
 * and the refresh of the list's queries once either is saved.
 */
export function useRowDialogs<Row>(...keys: QueryKey[]) {
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Row | null>(null);
  const refresh = useSettingsRefresh(...keys);
  return { editing, setEditing, deleting, setDeleting, refresh };
}
