import { useQueryClient } from '@tanstack/react-query';
import { App, Switch } from 'antd';
import { useState } from 'react';
import { api, errorText, type Me } from '../api/client';

/** 在岗/离岗: on duty, routing assigns to this seat and calls are offered to it. */
export function DutySwitch({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  return (
    <Switch
      checked={me.onDuty}
      loading={saving}
      checkedChildren="在岗"
      unCheckedChildren="离岗"
      aria-label="在岗状态"
      onChange={async (onDuty) => {
        setSaving(true);
        const { error } = await api.PATCH('/api/v1/users/{id}/work', { params: { path: { id: me.userId } }, body: { onDuty } });
        setSaving(false);
        if (error) return void message.error(errorText(error));
        await queryClient.invalidateQueries({ queryKey: ['me'] });
      }}
    />
  );
}
