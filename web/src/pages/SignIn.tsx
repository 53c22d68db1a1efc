import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorText } from '../api/client';
import { startPage } from '../session';

/** Sign-in: the session becomes an HttpOnly cookie; the user goes back where they were, or to their role's start page. */
export function SignIn() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();

  async function signIn(values: { username: string; password: string }) {
    setBusy(true);
    setError(undefined);
    const { data, error } = await api.POST('/api/v1/auth/login', { body: { ...values, session: 'cookie' } });
    setBusy(false);
    if (!data) return setError(errorText(error));
    const me = await queryClient.fetchQuery({ queryKey: ['me'], queryFn: async () => (await api.GET('/api/v1/auth/me')).data ?? null });
    navigate(params.get('next') ?? (me ? startPage(me) : '/'), { replace: true });
  }

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 360 }}>
        <Typography.Title level={1} style={{ fontSize: 22, textAlign: 'center' }}>
          12345 热线工作台
        </Typography.Title>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={signIn} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}
