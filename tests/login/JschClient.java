// JSch (Debian's libjsch-java, the 0.1.5x line Ant, Jenkins plugins and many Java integrations
// embed) against Wharf: public-key login with a pinned host key, then SFTP put, get, rename,
// symlink, readlink and rm, and an upload through "scp -t" as JSch's own example does it.
// Usage: java -cp jsch.jar JschClient.java PORT USER KEY KNOWN_HOSTS LOCAL_FILE
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;

public class JschClient {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String user = args[1], key = args[2], knownHosts = args[3], local = args[4];
    JSch jsch = new JSch();
    jsch.setKnownHosts(knownHosts);
    jsch.addIdentity(key);
    Session session = jsch.getSession(user, "127.0.0.1", port);
    session.setConfig("StrictHostKeyChecking", "yes");
    session.setConfig("PreferredAuthentications", "publickey");
    session.connect(20000);
    System.out.println("kex " + session.getHostKey().getType());

    ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
    sftp.connect(20000);
    sftp.mkdir("js");
    sftp.put(local, "js/up.bin");
    sftp.get("js/up.bin", local + ".back");
    sftp.rename("js/up.bin", "js/moved.bin");
    sftp.symlink("moved.bin", "js/link");  // JSch: (target, link path), sent in OpenSSH's order
    System.out.println("readlink " + sftp.readlink("js/link"));
    sftp.rm("js/link");
    sftp.disconnect();

    byte[] data = Files.readAllBytes(Paths.get(local));
    ChannelExec exec = (ChannelExec) session.openChannel("exec");
    exec.setCommand("scp -t js/scp.bin");
    OutputStream out = exec.getOutputStream();
    InputStream in = exec.getInputStream();
    exec.connect(20000);
    expectAck(in);
    out.write(("C0644 " + data.length + " scp.bin\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    expectAck(in);
    out.write(data);
    out.write(0);
    out.flush();
    expectAck(in);
    out.close();
    while (!exec.isClosed()) Thread.sleep(20);
    System.out.println("scp exit " + exec.getExitStatus());
    exec.disconnect();
    session.disconnect();
  }

  static void expectAck(InputStream in) throws Exception {
    int b = in.read();
    if (b != 0) {
      byte[] rest = new byte[512];
      int n = Math.max(0, in.read(rest));
      throw new IllegalStateException("scp answered " + b + ": "
          + new String(Arrays.copyOf(rest, n), StandardCharsets.UTF_8));
    }
  }
}
